print("hefctl")
