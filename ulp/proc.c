int placeholder_proc;
