// Reading an ONNX model file without its weights (core/io/onnxstream.h).
#include "core/io/onnxstream.h"

#include "core/io/onnximport.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>
#include <fcntl.h>
// IWYU takes the using-declarations below for uses of message.h's forward declarations;
// coded_stream.h declares the classes.
// IWYU pragma: no_include <google/protobuf/message.h>

namespace coinfer::onnxstream {

namespace {

using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;
using google::protobuf::io::CodedOutputStream;
using google::protobuf::io::StringOutputStream;

// Field numbers of onnx.proto (ONNX 1.12).
constexpr int kModelGraph = 7;
constexpr int kGraphNode = 1, kGraphInitializer = 5;
constexpr int kTensorFloatData = 4, kTensorInt32Data = 5, kTensorStringData = 6, kTensorInt64Data = 7;
constexpr int kTensorRawData = 9, kTensorDoubleData = 10, kTensorUint64Data = 11;

bool isPayload(int field)
{
    return field == kTensorFloatData || field == kTensorInt32Data || field == kTensorStringData || field == kTensorInt64Data ||
           field == kTensorRawData || field == kTensorDoubleData || field == kTensorUint64Data;
}

/// Copies the fields of one message of @p length bytes from @p in to @p out, calling
/// @p special(field, length, out) for a length-delimited field it takes over (returning true).
template<class Special> bool copyFields(CodedInputStream& in, std::string& out, Special special)
{
    StringOutputStream stream(&out);
    CodedOutputStream coded(&stream);
    while (true) {
        const std::uint32_t tag = in.ReadTag();
        if (tag == 0)
            return in.ConsumedEntireMessage(); // the end, not a tag that does not parse
        const int field = WireFormatLite::GetTagFieldNumber(tag);
        if (WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
            std::uint32_t length = 0;
            if (!in.ReadVarint32(&length))
                return false;
            if (special(field, length, in, coded))
                continue;
            std::string payload;
            if (!in.ReadString(&payload, static_cast<int>(length)))
                return false;
            coded.WriteTag(tag);
            coded.WriteVarint32(length);
            coded.WriteString(payload);
            continue;
        }
        if (!WireFormatLite::SkipField(&in, tag, &coded))
            return false;
    }
}

/// One TensorProto of @p length bytes, its large payloads skipped.
bool readInitializer(CodedInputStream& in, std::uint32_t length, onnx::TensorProto& tensor)
{
    const CodedInputStream::Limit limit = in.PushLimit(static_cast<int>(length));
    std::string kept;
    const bool copied = copyFields(in, kept, [](int field, std::uint32_t size, CodedInputStream& from, CodedOutputStream&) {
        return isPayload(field) && size > kKeptPayloadBytes && from.Skip(static_cast<int>(size));
    });
    in.PopLimit(limit);
    return copied && tensor.ParseFromString(kept);
}

} // namespace

Expected<onnx::ModelProto> readModelWithoutWeights(const std::string& path)
{
    const int descriptor = ::open(path.c_str(), O_RDONLY);
    if (descriptor < 0)
        return Unexpected(Error{ErrorCode::Io, path + ": cannot read: " + std::strerror(errno)});
    google::protobuf::io::FileInputStream file(descriptor);
    file.SetCloseOnDelete(true);
    CodedInputStream in(&file);
    in.SetTotalBytesLimit(INT_MAX);
    std::string modelFields;
    onnx::GraphProto graph;
    bool hasGraph = false, ok = true;
    long long nodes = 0; // of the main graph, counted as they stream by; beyond the limit, skipped
    ok = copyFields(in, modelFields,
                    [&](int field, std::uint32_t length, CodedInputStream& from, CodedOutputStream&) {
                        if (field != kModelGraph)
                            return false;
                        const CodedInputStream::Limit limit = from.PushLimit(static_cast<int>(length));
                        std::string graphFields;
                        std::vector<onnx::TensorProto> initializers;
                        const bool copied = copyFields(
                            from, graphFields, [&](int inner, std::uint32_t size, CodedInputStream& source, CodedOutputStream&) {
                                if (inner == kGraphNode && ++nodes > kMaxOnnxGraphNodes) {
                                    ok = ok && source.Skip(static_cast<int>(size));
                                    return true;
                                }
                                if (inner != kGraphInitializer)
                                    return false;
                                initializers.emplace_back();
                                ok = ok && readInitializer(source, size, initializers.back());
                                return true;
                            });
                        from.PopLimit(limit);
                        onnx::GraphProto part;
                        ok = ok && copied && part.ParseFromString(graphFields);
                        for (onnx::TensorProto& tensor : initializers)
                            part.add_initializer()->Swap(&tensor);
                        if (hasGraph) // a graph given in several fields, as protobuf allows
                            graph.MergeFrom(part);
                        else
                            graph.Swap(&part); // no second copy of every node
                        hasGraph = true;
                        return true;
                    }) &&
         ok;
    if (nodes > kMaxOnnxGraphNodes)
        return Unexpected(Error{ErrorCode::BadInput, path + ": graph.node: has " + std::to_string(nodes) +
                                                         " nodes; Coinfer imports graphs of at most " +
                                                         std::to_string(kMaxOnnxGraphNodes) + " nodes"});
    onnx::ModelProto model;
    if (!ok || !model.ParseFromString(modelFields))
        return Unexpected(
            Error{ErrorCode::BadInput, path + ": not an ONNX model, or a truncated one: the protobuf does not parse"});
    if (hasGraph)
        model.mutable_graph()->Swap(&graph);
    return model;
}

} // namespace coinfer::onnxstream
