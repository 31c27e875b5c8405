// RemindSpool: (overview written with the module)
