#pragma once
// ONNX import: an ONNX model's graph becomes a "coinfer-dnn" description, split into
// sub-tasks at every point of the graph where exactly one tensor is live. Only shapes are read,
// never weights, so graphs exported without parameters or with external weight files work.
// Built with Debian's ONNX library when COINFER_ONNX is on; without it the same functions answer
// that Coinfer was built without ONNX support (docs/dnn-import.md).

#include "core/dnn/dnn.h"
#include "core/util/expected.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coinfer {

/// The most nodes an imported model's main graph may have. A node takes about 1 KB in memory
/// beside its few dozen bytes in the file, and ONNX's shape inference about as much again, so a
/// 10 MB file of 400,000 small nodes took 720 MB and 12 s; at this limit, 190 MB and 4 to 6 s.
/// Torchvision's classifiers have at most 1,296 nodes (convnext_small).
inline constexpr int kMaxOnnxGraphNodes = 100000;

/// What the importer may change about the model it reads.
struct OnnxImportOptions {
    std::string name;                     ///< the description's name; empty: the file's stem (or the graph's name)
    int inputElementBytes = 1;            ///< bytes per input element: 1 (an 8-bit camera frame) or 4 (fp32)
    int maxSubtasks = 0;                  ///< above 0: merge the cheapest neighbouring sub-tasks until at most this many remain
    std::vector<std::int64_t> inputShape; ///< non-empty: replaces the data input's shape (N x C x H x W or N x F)
};

/// Where one imported layer's weights are in the ONNX model, in the order of LayerWeights
/// (core/dnn/cpureference.h): conv weight, bias; linear weight, bias; batch norm scale, shift,
/// mean, variance; squeeze-and-excitation first weight, first bias, second weight, second bias.
/// Empty for a layer without weights.
struct OnnxLayerTensors {
    std::vector<std::string> names;
    bool transposed = false; ///< a linear weight stored in x out (MatMul, Gemm with transB = 0)
    double weightScale = 1;  ///< Gemm's alpha
    double biasScale = 1;    ///< Gemm's beta
};

/// An imported model with what the import found.
struct OnnxImport {
    DnnDescription dnn;
    int opsetVersion = 0;                 ///< the model's ai.onnx opset
    int nodes = 0;                        ///< nodes in the graph (weights' and constants' included)
    int mappedNodes = 0;                  ///< nodes on the path from the input to the output
    int cuts = 0;                         ///< points of the topological order where exactly one tensor is live
    std::string inputName;                ///< the graph input taken as the data input
    std::string outputName;               ///< the graph output
    std::vector<std::int64_t> inputDims;  ///< the data input's shape, batch included
    std::vector<std::int64_t> outputDims; ///< the output's shape, batch included
    /// Per sub-task, per layer in makeSubtaskWeights' order: where its weights are.
    std::vector<std::vector<OnnxLayerTensors>> layerTensors;
};

/// The oldest and newest ai.onnx opsets the importer accepts (ONNX 1.12 defines up to 17).
inline constexpr int kOnnxMinOpset = 7;
inline constexpr int kOnnxMaxOpset = 17;

/// The ai.onnx operators the importer maps (each with the limits docs/dnn-import.md states). O(1).
std::vector<std::string> onnxSupportedOperators();

/// Whether this build can import ONNX (COINFER_ONNX). O(1).
bool onnxImportAvailable();

/// Whether @p path names an ONNX model by its extension (".onnx", any case). O(length).
bool isOnnxPath(std::string_view path);

/// Reads a shape given as "1x3x224x224" (positive whole numbers joined by 'x', rank 2 or 4).
/// Fails (BadInput) saying what is wrong. O(length).
Expected<std::vector<std::int64_t>> parseOnnxShape(std::string_view text);

/// Imports the ONNX model in @p bytes; every error starts with "@p sourceName: ".
///
/// Parses the ModelProto with protobuf, checks the opset (kOnnxMinOpset..kOnnxMaxOpset), runs
/// ONNX shape inference, sorts the graph topologically, finds the cuts (one live tensor) by a
/// difference array over live ranges, turns each segment between cuts into a sub-task
/// (segments of elementwise or reshaping nodes only join their producer), maps nodes onto the
/// layer kinds of dnn.h, and checks each sub-task's output shape against ONNX's.
///
/// Fails (BadInput) on: bytes that are not an ONNX model or are truncated; an unsupported
/// opset; a graph with a cycle, without an output, with several outputs or data inputs; a
/// dynamic input shape (naming the input; see OnnxImportOptions::inputShape); an unsupported
/// operator or attribute (naming the node, its op type and its position in the graph); a
/// structure that does not fit Coinfer's blocks (e.g. nested branches); a shape that differs
/// from ONNX's; a network beyond analyzeDnn's limits. A build without ONNX fails the same way
/// saying so.
///
/// Cost: O(V + E) for the graph work (V nodes, E node inputs) plus ONNX's shape inference,
/// plus O(S^2) merges for maxSubtasks over S sub-tasks; memory O(size of the model).
Expected<OnnxImport> importOnnxBytes(std::string_view bytes, const std::string& sourceName,
                                     const OnnxImportOptions& options = {});

/// Reads @p path (within the input size limit of core/io/fileio.h) and imports it as
/// importOnnxBytes does; the default name is the file's stem. Errors name the path. Weights
/// stored in external files are never opened.
Expected<OnnxImport> importOnnx(const std::string& path, const OnnxImportOptions& options = {});

} // namespace coinfer
