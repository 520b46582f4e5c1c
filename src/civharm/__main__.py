from civharm.cli.main import main

main()
