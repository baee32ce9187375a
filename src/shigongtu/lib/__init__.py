"""Pure rules shared by every face of Shigongtu: parsing, units, periods, codes, coordinates.

Nothing here imports Django; each function takes plain data and returns plain data.
"""
