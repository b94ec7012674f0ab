# The registered jobs (coprod.registry): every preparation stage, analysis, table and
# figure, one rule each, generated from the registries in coprod.preparation,
# coprod.analyses.registry and coprod.exhibits.registry. Each runs its library function
# in a process forked from Snakemake's own (coprod.jobs.run_forked: the libraries are
# imported once per run, not once per job; `force-use-threads` in the workflow's
# default profile has Snakemake run a `run:` block in its process). Its settings reach
# it through params, so a changed config value reruns exactly the jobs that read it,
# and its library inputs come from the import graph, so a changed module reruns
# exactly the jobs that run it. The checksums of the raw files and resources it reads
# rerun it when one's content changes. A job's priority is the work that waits for it,
# its own included, a figure counted as four tables (coprod.registry.priorities):
# Snakemake starts those first.

PRIORITIES = priorities(config)

for job in registered_jobs():
    inputs = job_inputs(job)

    rule:
        name:
            job.name
        input:
            **inputs,
        output:
            **job_outputs(job),
        log:
            f"logs/{job.stage}/{job.name}.log",
        priority: PRIORITIES[job.name]
        conda:
            ENV
        resources:
            mem_mb=memory_mb(),
        params:
            function=job.function,
            writer=job.writer,
            settings=job.settings(config),
            render=job.render(config),
            checksums=content_checksums(inputs),
        run:
            run_forked(input, output, params, log, threads)
