#pragma once
// Reading an ONNX model file without its weights (private to core/io, compiled only with
// COINFER_ONNX): the importer needs every initializer's name, type and dims, and the values of
// small ones only (a Clip's bounds, a Pad's pads), so large payloads are skipped in the file
// instead of read. A model with weights imports in memory of the order of its graph.

#include "core/util/expected.h"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>

namespace coinfer::onnxstream {

/// Initializer payloads up to this many bytes are kept (scalars, pads, shapes).
inline constexpr std::uint32_t kKeptPayloadBytes = 4096;

/// Parses the ModelProto in the file at @p path, keeping every field but the data of
/// initializers larger than kKeptPayloadBytes (their raw_data and typed data fields), which
/// are skipped with seeks. Fails naming @p path: Io for a file that does not open, BadInput for one
/// that is no protobuf or whose graph has more than kMaxOnnxGraphNodes nodes (counted before any is
/// parsed). O(file size) time in the worst case, O(graph without large payloads) memory.
Expected<onnx::ModelProto> readModelWithoutWeights(const std::string& path);

} // namespace coinfer::onnxstream
