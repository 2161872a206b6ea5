from alinea.cli import main

main()
