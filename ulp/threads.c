int placeholder_threads;
