# Compare: the analyses that answer the research questions. Their rules are generated
# from the registry (coprod.analyses.registry, workflow/rules/registered.smk); here only
# the checks of config `compare` that the schema cannot express, before any job runs.
from coprod.analyses.checks import check_compare_config

check_compare_config(config, source=(workflow.configfiles or ["the config"])[0])
