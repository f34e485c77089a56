from goalign.cli import main

main()
