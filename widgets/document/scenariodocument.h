#pragma once
// The open scenario: the core model, its file, and the undo stack every edit goes through.

#include "core/model/scenario.h"
#include "core/util/expected.h"

#include <QObject>
#include <QString>
#include <QVariant>

class QUndoStack;

namespace coinfer {

class ScenarioDocument : public QObject {
    Q_OBJECT

public:
    explicit ScenarioDocument(QObject* parent = nullptr);

    /// Reads a scenario file. On failure the document is left exactly as it was.
    Expected<void> load(const QString& path);
    /// Replaces the scenario (e.g. the built-in example); clears undo history.
    void reset(const Scenario& scenario, const QString& path);
    /// Writes the table form atomically (QSaveFile); marks the document clean.
    Expected<void> save(const QString& path);

    const Scenario& scenario() const { return m_scenario; }
    QString path() const { return m_path; }
    bool isModified() const;
    QUndoStack* undoStack() const { return m_undoStack; }

    // Direct mutations, used by the undo commands only (views push commands instead).
    void setScenario(const Scenario& scenario);
    void setUser(int row, const User& user);
    void insertUser(int row, const User& user);
    void removeUser(int row);

signals:
    void scenarioReset();
    void userChanged(int row);
    void userInserted(int row);
    void userRemoved(int row);
    /// Any change of content: the cue to plan again.
    void edited();

private:
    Scenario m_scenario;
    QString m_path;
    QUndoStack* m_undoStack;
};

} // namespace coinfer
