// What one ONNX node or tensor says (core/io/onnxnodes.h), moved out of onnximport.cpp.
#include "core/io/onnxnodes.h"

#include <cstring>
#include <unordered_set>

namespace coinfer::onnxnodes {

std::string dimsText(const Dims& dims)
{
    std::string text;
    for (std::int64_t d : dims)
        text += (text.empty() ? "" : "x") + (d < 0 ? std::string("?") : std::to_string(d));
    return text;
}

/// @p text with every byte that is not part of valid UTF-8 replaced by '?': protobuf does not
/// check proto2 strings, and a description's names must be valid JSON text. O(length).
std::string validUtf8(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
        bool valid = length > 0 && i + length <= text.size();
        std::uint32_t code = length == 1 ? byte : length == 2 ? byte & 0x1Fu : length == 3 ? byte & 0x0Fu : byte & 0x07u;
        for (size_t k = 1; valid && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next >> 6) == 0x2;
            code = (code << 6) | (next & 0x3Fu);
        }
        // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not valid UTF-8.
        static constexpr std::uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
        valid = valid && code >= kLeast[length] && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF);
        if (valid) {
            out.append(text, i, length);
            i += length;
        } else {
            out += '?';
            ++i;
        }
    }
    return out;
}

std::string shapeText(const TensorShape& shape)
{
    return std::to_string(shape.c) + "x" + std::to_string(shape.h) + "x" + std::to_string(shape.w);
}

const onnx::AttributeProto* findAttribute(const onnx::NodeProto& node, const char* name)
{
    for (const onnx::AttributeProto& attribute : node.attribute())
        if (attribute.name() == name)
            return &attribute;
    return nullptr;
}

std::int64_t intAttribute(const onnx::NodeProto& node, const char* name, std::int64_t fallback)
{
    const onnx::AttributeProto* attribute = findAttribute(node, name);
    return attribute && attribute->has_i() ? attribute->i() : fallback;
}

Dims intsAttribute(const onnx::NodeProto& node, const char* name)
{
    const onnx::AttributeProto* attribute = findAttribute(node, name);
    return attribute ? Dims(attribute->ints().begin(), attribute->ints().end()) : Dims{};
}

std::string stringAttribute(const onnx::NodeProto& node, const char* name, const std::string& fallback)
{
    const onnx::AttributeProto* attribute = findAttribute(node, name);
    return attribute && attribute->has_s() ? attribute->s() : fallback;
}

std::optional<float> floatAttribute(const onnx::NodeProto& node, const char* name)
{
    const onnx::AttributeProto* attribute = findAttribute(node, name);
    return attribute && attribute->has_f() ? std::optional<float>(attribute->f()) : std::nullopt;
}

/// Where an input of an op is data (an activation may flow there) rather than a weight.
/// Add and Concat take activations at every position (a residual, a concatenation); every other
/// op only at 0, so a tensor that reaches Conv's input 1 or Clip's input 2 is a weight.
bool isDataPosition(const std::string& op, int position)
{
    return position == 0 || op == "Add" || op == "Concat" || op == "Mul";
}

/// Ops whose segments join their producer: elementwise on one tensor, or reshaping without cost.
bool isJoiningOp(const std::string& op)
{
    static const std::unordered_set<std::string> ops = {"BatchNormalization", "Relu",    "Clip",    "HardSwish", "Sigmoid",
                                                        "Identity",           "Dropout", "Flatten", "Reshape",   "Squeeze",
                                                        "HardSigmoid",        "Pad",     "Softmax", "Transpose"};
    return ops.count(op) > 0;
}

const std::vector<std::string> kSupportedOpList = {"Conv",
                                                   "BatchNormalization",
                                                   "Relu",
                                                   "Clip",
                                                   "HardSwish",
                                                   "Sigmoid",
                                                   "MaxPool",
                                                   "AveragePool",
                                                   "GlobalAveragePool",
                                                   "Flatten",
                                                   "Reshape",
                                                   "Squeeze",
                                                   "Gemm",
                                                   "MatMul",
                                                   "Add",
                                                   "Concat",
                                                   "Identity",
                                                   "Dropout",
                                                   "HardSigmoid",
                                                   "Mul",
                                                   "ReduceMean",
                                                   "Pad",
                                                   "Softmax",
                                                   "Div",
                                                   "Erf",
                                                   "Slice",
                                                   "Transpose",
                                                   "LayerNormalization",
                                                   "Sub",
                                                   "Pow",
                                                   "Sqrt",
                                                   "Gather"};

bool isSupportedOp(const std::string& op)
{
    static const std::unordered_set<std::string> ops(kSupportedOpList.begin(), kSupportedOpList.end());
    return ops.count(op) > 0;
}

const std::string kSupportedOps =
    "Conv, BatchNormalization, Relu, Clip, HardSwish, Sigmoid, MaxPool, AveragePool, "
    "GlobalAveragePool, ReduceMean (over height and width), Flatten, Reshape and Squeeze (to N x "
    "features), Gemm, MatMul (with a constant weight), Add (of two branches, or a MatMul's bias), "
    "Concat (channels), HardSigmoid, Mul (SiLU, hardswish and squeeze-and-excitation), Pad (zeros "
    "before a Conv or AveragePool), Softmax (over one axis of each sample), Div and Erf (in GELU: "
    "x * (1 + Erf(x / sqrt 2)) * 0.5), Slice (constant bounds on one axis of each sample), "
    "Transpose (keeping the batch first), LayerNormalization (over the last axis) and its expanded form (ReduceMean, "
    "Sub, Pow, Sqrt, Div, then Mul and Add), PyTorch's multi-head attention (MatMul, Slice, Reshape, Transpose, Div, "
    "Softmax, Gemm), Concat of learned tokens, Add of a learned tensor, Gather of one token, Identity, Dropout";

/// The value of a scalar float tensor (FLOAT or DOUBLE, inline or raw data), if it has one.
std::optional<double> scalarValue(const onnx::TensorProto& tensor)
{
    if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
        return std::nullopt;
    std::int64_t elements = 1;
    for (std::int64_t d : tensor.dims())
        elements *= d;
    if (elements != 1)
        return std::nullopt;
    if (tensor.data_type() == onnx::TensorProto::FLOAT) {
        if (tensor.float_data_size() == 1)
            return tensor.float_data(0);
        if (tensor.raw_data().size() == sizeof(float)) {
            float value = 0;
            std::memcpy(&value, tensor.raw_data().data(), sizeof value); // little-endian, as ONNX stores it
            return value;
        }
    } else if (tensor.data_type() == onnx::TensorProto::DOUBLE) {
        if (tensor.double_data_size() == 1)
            return tensor.double_data(0);
        if (tensor.raw_data().size() == sizeof(double)) {
            double value = 0;
            std::memcpy(&value, tensor.raw_data().data(), sizeof value);
            return value;
        }
    }
    return std::nullopt;
}

} // namespace coinfer::onnxnodes
