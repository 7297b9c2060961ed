#pragma once
// The users of the open scenario as a table. Edits become undo commands, not direct changes.

#include "core/planning/feasibility.h"

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QModelIndex>
#include <QObject>
#include <QString>
#include <QVariant>
#include <Qt>

#include "core/model/scenario.h"
#include "widgets/document/backgroundjob.h"
#include "widgets/document/commands.h"

#include <optional>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace coinfer {

class UserTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Id, DeviceClass, DeadlineMs, UplinkRateMbps, TxPowerW, LocalEnergyMj, ColumnCount };

    explicit UserTableModel(ScenarioDocument* document, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    /// Validates and pushes an EditUserCommand; refuses an empty or duplicate id and numbers
    /// that are not positive and finite.
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    /// Pushes one command that sets @p column to @p value on every row in @p rows (bulk edit).
    /// In a scenario of kUsersForWorker users or more, a bulk edit of many rows works out its
    /// file-form change on a worker (O(M) JSON work: 0.2 s at 10,000 users) and is pushed when
    /// that is done, then bulkEditApplied() follows; an edit made meanwhile drops it, and
    /// bulkEditDropped() says so. Returns false for a value the column refuses.
    bool setColumnForRows(const QList<int>& rows, int column, const QVariant& value);
    /// As setColumnForRows, but multiplies each row's own value of the numeric @p column
    /// (deadline, uplink rate, transmit power) by @p factor. False for another column, or a
    /// factor that makes a value the column refuses.
    bool scaleColumnForRows(const QList<int>& rows, int column, double factor);
    static constexpr int kUsersForWorker = 5000;
    /// Pushes a command that adds a copy of @p templateRow (or of the last row). With no users
    /// left it adds a copy of the last user removed, else one user drawn from the scenario's
    /// first device class; false when there is neither (nothing to take device tables from).
    bool addUser(int templateRow);
    void removeUsers(QList<int> rows);
    /// Marks the users that cannot meet their deadline under any plan (core/planning/feasibility.h):
    /// their rows get the "late" background and a tooltip with the three times. Rows index the
    /// document's scenario at the time of the call. O(M + K).
    void setInfeasibleUsers(const std::vector<UserFeasibility>& infeasible);
    /// Whether @p row is marked by setInfeasibleUsers.
    bool isMarkedInfeasible(int row) const { return m_infeasible.count(row) > 0; }
    /// The background of marked rows (the views pass the palette's "late" colour; this layer
    /// does not link the charts).
    void setInfeasibleBackground(const QColor& colour) { m_infeasibleBackground = colour; }

private:
    /// Pushes the edited users of one bulk edit of @p column as one undoable command.
    void pushEdits(std::vector<std::pair<int, User>> changed, int column);

signals:
    /// A bulk edit prepared on a worker is now on the undo stack.
    void bulkEditApplied();
    /// A bulk edit prepared on a worker was dropped: @p reason says why, for the status bar.
    void bulkEditDropped(const QString& reason);

private:
    /// Prepares the form change of a bulk edit on a worker and pushes the command when it is
    /// back, if the document has not changed since.
    void pushBulkEditFromWorker(std::vector<std::pair<int, User>> changed, const QString& text);
    /// Pushes the bulk edit the worker prepared, or says why it was dropped.
    void bulkEditPrepared();

    ScenarioDocument* m_document;
    std::unordered_map<int, UserFeasibility> m_infeasible; ///< by row
    QColor m_infeasibleBackground{220, 30, 30, 70};
    std::optional<User> m_lastRemoved; ///< the template when every user is gone
    Job<PreparedBulkEdit> m_bulkEdit;  ///< an edit of the document abandons it
    QString m_bulkEditText;            ///< the undo text of the bulk edit m_bulkEdit prepares
};

} // namespace coinfer
