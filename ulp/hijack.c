int placeholder_hijack;
