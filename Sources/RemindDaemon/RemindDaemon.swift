// RemindDaemon: (overview written with the module)
