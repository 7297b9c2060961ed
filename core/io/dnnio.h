#pragma once
// DNN description files ("format": "coinfer-dnn", docs/formats.md#dnn-description): reading, writing, and the
// signature of a description's file form that ties a GPU profile to the layers it measured.

#include "core/dnn/dnn.h"
#include "core/util/expected.h"

#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// Parses a "coinfer-dnn" description (JSON); errors name @p sourceName and the field's path,
/// and shape errors name the layer. O(size).
/// Fields it does not know ("...layers[0].strides: unknown field, ignored") go to @p warnings when given.
Expected<DnnDescription> parseDnnDescription(std::string_view text, const std::string& sourceName,
                                             std::vector<std::string>* warnings = nullptr);

/// The description as "coinfer-dnn" JSON. O(layers).
std::string dnnDescriptionToJson(const DnnDescription& dnn);

/// A stable 64-bit fingerprint (hex) of the layers and shapes, so a GPU profile can be matched
/// to the description it measured. O(layers).
std::string dnnSignature(const DnnDescription& dnn);

/// A built-in name, else an ONNX model (a path ending in ".onnx", imported with the default
/// options of core/io/onnximport.h), else a description file. O(size) (the import: its own cost).
Expected<DnnDescription> loadDnn(const std::string& nameOrPath, std::vector<std::string>* warnings = nullptr);

} // namespace coinfer
