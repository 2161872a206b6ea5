from alinea.cli import run

# Guarded: worker processes started with "spawn" (Dask's) import the main module again.
if __name__ == "__main__":
    run()
