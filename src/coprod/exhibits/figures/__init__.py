"""The paper's figures: one module per figure, a shared style and shared drawing parts.

=========================  ==============================  ================================
figure                     module                          drawing
=========================  ==============================  ================================
1 barrier items            :mod:`.figure1_barrier_items`   diverging stacked bars
2 barrier heatmap          :mod:`.figure2_barrier_heatmap` mean scores, small cells masked
3 contrast forest plot     :mod:`.figure3_contrast_forest` effect sizes with their CIs
4 risk matrix              :mod:`.figure4_risk_matrix`     experienced against managed
5 focus-group codes        :mod:`.figure5_focus_groups`    prevalence and co-occurrence
6 staff factor             :mod:`.figure6_staff_factor`    standardised coefficients
7 data-quality flow        :mod:`.figure7_data_quality_flow` CONSORT-style flow
=========================  ==============================  ================================

Each figure module has a drawing function (tidy frames and labels in, a matplotlib
Figure out) and a job function ``(study, inputs, settings) -> Figure`` (see
:mod:`coprod.jobs`) that reads the results, labels them from the study and draws.
:mod:`.style` holds the style and writes the files byte-stably; :mod:`.drawing` the
parts several figures draw (cell grids, significance legends, panel titles);
:mod:`.labels` the labels they take from the study. The figures are registered in
:mod:`coprod.exhibits.registry`. This package's ``__init__`` imports nothing, so the
workflow can name its modules at parse time.
"""
