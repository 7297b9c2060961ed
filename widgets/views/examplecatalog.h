#pragma once
// The examples the app ships, by name and one-line story, for File > Open example.

#include <QString>
#include <vector>

namespace coinfer {

/// One shipped example: its file name under examples/ and what it shows, in one line.
struct ExampleEntry {
    QString file;  ///< e.g. "classroom-split.json"
    QString story; ///< e.g. "8 phones: the best plan splits the network inside"
    /// Built into the program (its file refers to no other file); otherwise it is opened from
    /// the examples folder of the source tree, which holds the files it refers to.
    bool builtIn = true;
};

/// Every shipped example, classroom-split first (the one whose best plan splits the network).
const std::vector<ExampleEntry>& shippedExamples();

/// The examples folder the program was built from, or empty when it is not there any more.
QString examplesFolder();

} // namespace coinfer
