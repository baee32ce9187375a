from shigongtu.cli import main

main()
