int placeholder_target;
