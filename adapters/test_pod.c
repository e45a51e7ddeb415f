/* mkata-test-pod: the tiny static program inside the adapters test's images (the project's own
 * workload images come from the `images` branch; this keeps the adapters test self-contained).
 *   mkata-test-pod pause        — a pod sandbox's first process: waits for SIGTERM/SIGINT.
 *   mkata-test-pod serve PORT   — answers every HTTP request with the kernel release it sees
 *                                 (uname), so a test can tell a gVisor sandbox from the host.
 * As PID 1 it must handle SIGTERM itself (the kernel ignores default-action signals for it). */
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static int pause_forever(void) {
  while (!stop) {
    pause();
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
  }
  return 0;
}

static int serve(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  if (bind(fd, (struct sockaddr*)&addr, sizeof addr) != 0 || listen(fd, 16) != 0) {
    perror("listen");
    return 1;
  }
  struct utsname u;
  uname(&u);
  char body[256], response[512], request[4096];
  snprintf(body, sizeof body, "%s\n", u.release);
  int n = snprintf(response, sizeof response,
                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n%s",
                   strlen(body), body);
  while (!stop) {
    int c = accept(fd, NULL, NULL);
    if (c < 0) continue; /* EINTR on SIGTERM: the loop condition ends it */
    (void)!read(c, request, sizeof request);
    (void)!write(c, response, (size_t)n);
    close(c);
  }
  return 0;
}

int main(int argc, char** argv) {
  struct sigaction sa = {0};
  sa.sa_handler = on_signal; /* no SA_RESTART: accept()/pause() return on SIGTERM */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  if (argc >= 2 && strcmp(argv[1], "pause") == 0) return pause_forever();
  if (argc >= 3 && strcmp(argv[1], "serve") == 0) return serve(atoi(argv[2]));
  fprintf(stderr, "usage: mkata-test-pod pause | serve PORT\n");
  return 2;
}
