# Writes OUT (a header with MKATA_REVISION, the git revision of SOURCE_DIR: `git describe
# --always --dirty`, or "unknown" outside a git checkout) only when it changes, so that a new
# commit recompiles main.cc alone and every other object stays a compiler-cache hit.
execute_process(COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
                OUTPUT_VARIABLE revision OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR revision STREQUAL "")
  set(revision "unknown")
endif()
set(content "#pragma once\n#define MKATA_REVISION \"${revision}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUT}" "${content}")
endif()
