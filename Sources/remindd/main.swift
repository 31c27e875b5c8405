// remindd: the daemon's entry point (written with RemindDaemon).
