# cli/version.cpp reports the CMake project version; only that file sees the definition.
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/txmail/cli/version.cpp
    TARGET_DIRECTORY txmail_cli PROPERTIES COMPILE_DEFINITIONS TXMAIL_VERSION="${PROJECT_VERSION}")
# `txmail config --json` and other commands' JSON output.
target_link_libraries(txmail_cli PUBLIC nlohmann_json::nlohmann_json)
