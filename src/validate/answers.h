// What the sample workloads must answer (PRODUCT.md §Workloads and §Validation), checked exactly:
// a runtime that mangles stdout, environment or memory shows up here before it reaches users.
#pragma once

#include <string>

#include "core/error.h"

namespace mkata::validate {

/// The request validate sends to autoscale.
inline constexpr const char* kAutoscaleQuery = "/?sleep=100&prime=10000&bloat=5";

/// The helloworld TARGET for a runtime: "runc Containers", "crun Containers",
/// "gVisor Containers", "Kata Containers" (the runtime's display name + " Containers").
std::string display_name(const std::string& runtime);
std::string helloworld_target(const std::string& runtime);

/// Checks helloworld's body: exactly "Hello World: <target>!\n". Error (check failed):
/// "helloworld answered 'Hello World: x!' (expected 'Hello World: runc Containers!')".
Result<void> check_helloworld_answer(const std::string& body, const std::string& target);

/// Checks autoscale's answer to kAutoscaleQuery: the three lines in order, the prime 9973, and a
/// measured sleep ≥ 100 ms with two decimals. Returns the slept milliseconds.
Result<double> check_autoscale_answer(const std::string& body);

}  // namespace mkata::validate
