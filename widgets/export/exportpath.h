#pragma once
// The one rule every export and save dialog follows for the file's format.

#include <QString>
#include <QStringList>

class QWidget;

namespace coinfer {

/// The extensions a dialog's name filters offer, lower case with the dot, in order:
/// "PNG (*.png);;PDF (*.pdf)" gives {".png", ".pdf"}. O(length of @p filters).
QStringList filterExtensions(const QString& filters);

/// The file an export dialog writes for the name @p typed: the name as typed when its extension
/// is one of the formats @p filters offers (a typed extension that names a known format wins,
/// and the format follows it), else the name with the extension of the chosen filter
/// @p selectedFilter appended ("plan" under "Plan (*.json)" is "plan.json"; "plan.csv" stays
/// "plan.csv" whichever filter was chosen; "plan.v2" becomes "plan.v2.json"). Empty for an empty
/// name (the dialog was cancelled). O(length of the arguments).
QString exportPathFor(const QString& typed, const QString& filters, const QString& selectedFilter);

/// Where a save or export dialog for the scenario at @p documentPath starts: in the scenario's
/// own folder, named after it with @p suffix ("/data/campus.json" and "-plan.json" give
/// "/data/campus-plan.json"). A built-in example (a ":/..." resource) or an untitled document
/// has no folder of its own: the name alone, in the current folder ("untitled-plan.json").
/// O(length of the path).
QString suggestedExportPath(const QString& documentPath, const QString& suffix);

/// Asks for a file to write in a save dialog titled @p title offering @p filters, starting at
/// @p start; the name follows exportPathFor's rule. Empty when the user cancels.
QString askSavePath(QWidget* parent, const QString& title, const QString& start, const QString& filters);

} // namespace coinfer
