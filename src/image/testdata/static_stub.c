/* A stand-in for a workload binary in the image tests: statically linked, prints its name. */
#include <stdio.h>

int main(int argc, char** argv) {
  (void)argc;
  printf("stub %s\n", argv[0]);
  return 0;
}
