/* simgrad command line (being built). */
#include <stdio.h>
int main(void)
{
    fprintf(stderr, "simgrad: not built yet\n");
    return 2;
}
