# Exhibits: the paper's tables, the numbers the text cites and the disclosure check of
# all of them are registered jobs (coprod.exhibits.registry; their rules come from
# registered.smk). Every count of people is masked under config disclosure.min_cell;
# changing it (or a setting under `exhibits:`) reruns exactly the tables that use it.

_BY = config["exhibits"]["by"]
_BREAKDOWNS = {
    "compare.describe_by": config["compare"]["describe_by"],
    "reliability.by": config["reliability"]["by"],
}
_WITHOUT_BY = [key for key, by in _BREAKDOWNS.items() if _BY not in by]
if _WITHOUT_BY:
    raise ValueError(
        f"config/config.yaml: exhibits.by is '{_BY}', but "
        f"{' and '.join(_WITHOUT_BY)} do(es) not break the results down by it; add it "
        f"there or choose another ({_BREAKDOWNS})"
    )
