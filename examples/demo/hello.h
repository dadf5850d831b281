#ifndef HELLO_H
#define HELLO_H
const char *hello_message(void);
#endif
