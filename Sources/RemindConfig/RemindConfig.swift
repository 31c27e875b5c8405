// RemindConfig: (overview written with the module)
