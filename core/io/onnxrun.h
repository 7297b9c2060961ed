#pragma once
// Running an ONNX model through Coinfer's CPU reference (core/dnn/cpureference.h) with the model's
// own weights: the importer's description, each layer's weights read from the model's
// initializers or from tensors given for its graph inputs (as ONNX's node tests and
// export_params=False graphs give them). What `coinfer dnn run` and the ONNX node-test suite use.
// Built with COINFER_ONNX; without it every function answers that this build cannot.

#include "core/util/expected.h"

#include <cstdint>
#include <string>
#include <vector>

namespace coinfer {

/// A float tensor as ONNX's TensorProto holds it.
struct OnnxTensor {
    std::string name;
    std::vector<std::int64_t> dims;
    std::vector<float> values; ///< row-major, dims' product of them
};

/// Reads a serialized TensorProto (ONNX's test_data_set_N/input_K.pb): FLOAT or DOUBLE data,
/// inline or raw. Fails (BadInput) naming @p path for another type, external data, or values that
/// do not match the dims. O(size).
Expected<OnnxTensor> readOnnxTensor(const std::string& path);

/// Writes @p tensor as a serialized FLOAT TensorProto (raw data), atomically. O(size).
Expected<void> writeOnnxTensor(const std::string& path, const OnnxTensor& tensor);

/// Runs the model at @p modelPath on the CPU reference. @p inputs give the graph inputs that are
/// not initializers, in the graph's order (the data input and any weights kept as inputs); a
/// named input may also be given out of order by its name. Initializers with data are read from
/// the model; external data is refused. Fails (BadInput) with the import's message, or naming
/// a missing or mis-shaped weight. O(model size + batch x MACs).
Expected<OnnxTensor> runOnnxOnCpu(const std::string& modelPath, const std::vector<OnnxTensor>& inputs);

} // namespace coinfer
