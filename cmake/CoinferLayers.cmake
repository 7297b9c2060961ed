# Layering rules of docs/architecture.md, enforced by the compiler.
#
# Each layer exposes only its own folder. coinfer_include_root() makes a generated include root
# for a folder that holds one link, FOLDER -> the source folder, so "#include "core/model/plan.h""
# resolves only in targets that link the layer; the whole source tree is never an include path.
#
# coinfer_forbid_headers() puts stand-ins for third-party headers that live on the compiler's
# default path (nlohmann-json, QCustomPlot) first on a target's include path: including one
# fails with a message that names the layer allowed to use it.

set(COINFER_INCLUDE_ROOTS ${PROJECT_BINARY_DIR}/include-roots)

# coinfer_include_root(TARGET SCOPE FOLDER): TARGET sees FOLDER (relative to the project root).
function(coinfer_include_root target scope folder)
  string(REPLACE "/" "_" root_name "${folder}")
  set(root ${COINFER_INCLUDE_ROOTS}/${root_name})
  get_filename_component(parent "${root}/${folder}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  if(NOT EXISTS "${root}/${folder}")
    file(CREATE_LINK "${PROJECT_SOURCE_DIR}/${folder}" "${root}/${folder}" SYMBOLIC)
  endif()
  target_include_directories(${target} ${scope} "${root}")
endfunction()

# coinfer_forbid_headers(TARGET HEADER...): each HEADER is "nlohmann" or "qcustomplot".
function(coinfer_forbid_headers target)
  foreach(header IN LISTS ARGN)
    target_include_directories(${target} BEFORE PRIVATE ${PROJECT_SOURCE_DIR}/cmake/forbidden-headers/${header})
  endforeach()
endfunction()

# coinfer_layer(NAME SOURCES... [PUBLIC deps...] [PRIVATE deps...]): the static library
# coinfer_NAME for core/NAME, seeing only core/NAME and the layers it links.
function(coinfer_layer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
  add_library(coinfer_${name} STATIC ${ARG_SOURCES})
  add_library(Coinfer::${name} ALIAS coinfer_${name})
  coinfer_include_root(coinfer_${name} PUBLIC core/${name})
  target_link_libraries(coinfer_${name} PUBLIC ${ARG_PUBLIC} PRIVATE coinfer_options ${ARG_PRIVATE})
  if(NOT name STREQUAL "io")
    coinfer_forbid_headers(coinfer_${name} nlohmann)
  endif()
endfunction()
