from studycards.cli import main

main()
