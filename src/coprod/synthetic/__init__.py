"""A seeded generator of a synthetic study of the same design as the real one.

The real responses cannot be published, so the repository ships a synthetic
study drawn from a written generative model (``resources/synthetic/model.yaml``)
whose true effects are known. What the pipeline estimates can then be checked
against what was planted.

The model, in short (all names come from the codebook, registries and model
file; nothing here names a construct of the study):

- Design: per case and sample, ``respondents_per_case_sample`` clean
  respondents; stakeholder groups by ``group_shares`` except the groups in
  ``group_counts`` (a few per case and sample); service areas uniformly.
- Barriers met: a latent variable per barrier construct, equicorrelated
  standard-normal noise plus shifts by service class, case attribute,
  stakeholder group and sample. Each item is ``loading * latent +
  sqrt(1 - loading**2) * noise`` (sign flipped for reverse-keyed items), cut at
  ``thresholds`` into the codes of its response set.
- Staff: the constructs the model's ``structure.staff`` names - a yes/no one
  (received or not, by group and case attribute), a correlated factor shifted by
  it, and independent ones, each shifted by a case attribute.
- Barriers overcome, perceived success, risk management: linear in the staff
  constructs their equations name (and strategies, for overcoming) plus noise,
  cut at ``thresholds``.
- Strategies used and risks experienced: Bernoulli on the log-odds scale.
- "Don't know" and refusals at the modelled rates; data-quality problems
  (previews, duplicates, incomplete responses, speeders, straight-liners,
  failed attention checks) at the modelled rates, each in its own respondents,
  so the flow of exclusions is known exactly.
- Focus groups: one per case, sample and service class; turns contain codes
  with a probability linked to the latent barrier level of the cell; two
  coders apply each code with a sensitivity and false-positive rate per code.

``truth.json`` records the planted parameters, the counts of each planted
problem, and population values (scale reliabilities, effects) computed from a
large draw of the same model, so tests compare estimates with what the
analysis should recover.

Modules, each importing only those above it: :mod:`~coprod.synthetic.model`
(the model file), :mod:`~coprod.synthetic.respondents` (answers),
:mod:`~coprod.synthetic.focus_groups`, :mod:`~coprod.synthetic.truth`
(population values), :mod:`~coprod.synthetic.study` (:func:`generate`),
:mod:`~coprod.synthetic.writers` (the raw files).
"""
