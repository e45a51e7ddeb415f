// helloworld: answers every path but /healthz and /info with "Hello World: <TARGET>!\n"
// (PRODUCT.md, Workloads). The greeting is built once; each request only copies it.
#include <cstdlib>
#include <string>

#include "workload/server_main.h"
#include "workload/standard_routes.h"

using namespace mkata::workload;

int main() {
  const char* target = std::getenv("TARGET");
  const std::string greeting =
      std::string("Hello World: ") + (target && *target ? target : "NOT SPECIFIED") + "!\n";
  ServerOptions options;
  options.handle = [&greeting](const HttpRequest& request) {
    if (is_standard_route(request)) return standard_route(request, "helloworld");
    return text_response(200, greeting);
  };
  return run_workload_server("helloworld", std::move(options));
}
