#pragma once
// What one ONNX node or tensor says, read for the importer (core/io/onnximport.cpp; private to
// core/io, compiled only with COINFER_ONNX): attributes, the operators Coinfer maps, scalar
// constants, and the text of shapes and names for messages.

#include "core/dnn/dnn.h"

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coinfer::onnxnodes {

using Dims = std::vector<std::int64_t>;

/// "1x3x224x224", with '?' for an unknown (negative) size. O(rank).
std::string dimsText(const Dims& dims);

/// @p text with every byte that is not part of valid UTF-8 replaced by '?': protobuf does not
/// check proto2 strings, and a description's names must be valid JSON text. O(length).
std::string validUtf8(const std::string& text);

/// "CxHxW". O(1).
std::string shapeText(const TensorShape& shape);

/// The attribute of @p node called @p name, or null. O(attributes).
const onnx::AttributeProto* findAttribute(const onnx::NodeProto& node, const char* name);

/// An INT attribute, or @p fallback when it is absent. O(attributes).
std::int64_t intAttribute(const onnx::NodeProto& node, const char* name, std::int64_t fallback);

/// An INTS attribute, or empty when it is absent. O(attributes + values).
Dims intsAttribute(const onnx::NodeProto& node, const char* name);

/// A STRING attribute, or @p fallback when it is absent. O(attributes + length).
std::string stringAttribute(const onnx::NodeProto& node, const char* name, const std::string& fallback);

/// A FLOAT attribute, if present. O(attributes).
std::optional<float> floatAttribute(const onnx::NodeProto& node, const char* name);

/// Where an input of an op is data (an activation may flow there) rather than a weight.
/// Add and Concat take activations at every position (a residual, a concatenation); every other
/// op only at 0, so a tensor that reaches Conv's input 1 or Clip's input 2 is a weight. O(1).
bool isDataPosition(const std::string& op, int position);

/// Ops whose segments join their producer: elementwise on one tensor, or reshaping without cost. O(1).
bool isJoiningOp(const std::string& op);

/// Ops that map onto a layer of core/dnn/dnn.h (docs/dnn-import.md). O(1).
bool isSupportedOp(const std::string& op);

/// The supported ops, one name each.
extern const std::vector<std::string> kSupportedOpList;

/// The supported ops as messages list them.
extern const std::string kSupportedOps;

/// The value of a scalar float tensor (FLOAT or DOUBLE, inline or raw data), if it has one;
/// never one kept in an external file. O(rank).
std::optional<double> scalarValue(const onnx::TensorProto& tensor);

} // namespace coinfer::onnxnodes
