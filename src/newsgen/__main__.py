from newsgen.cli import run

run()
