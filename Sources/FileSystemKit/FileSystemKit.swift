// FileSystemKit: (overview written with the module)
