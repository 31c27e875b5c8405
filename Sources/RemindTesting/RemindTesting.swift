// RemindTesting: (overview written with the module)
