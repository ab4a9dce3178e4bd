"""tierboard's benchmarks: `python -m bench --quick|--full` rewrites BENCHMARKS.md."""
