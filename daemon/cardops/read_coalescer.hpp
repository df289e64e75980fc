#pragma once
// Identical read-only requests in flight share one card job: a request that finds the same
// question (same method, token and answer-changing params) queued and not yet started on the
// card joins it and gets the same answer (result or error), under its own request id. Once the
// job has started on the card, a new request starts a job of its own: an answer is never older
// than the question. Writes are never coalesced (only the read methods use this).
//
//   auto lead = coalescer.join_or_lead(key, reply);
//   if (!lead) return;                      // joined: answered when the leader's job ends
//   run_on_token(context, call, [group = lead->group](s) { group->started(); ... }, finish,
//                lead->reply);
//
// Thread-safe.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ipc/reply.hpp"

namespace eport::cardops {

class ReadCoalescer;

/// One card job and the callers waiting for its answer.
class ReadGroup {
 public:
  /// The group of `key` led by `leader` (made by ReadCoalescer).
  ReadGroup(ReadCoalescer& owner, std::string key, ipc::Reply leader);
  /// The job's first APDU is about to be sent: later callers start a job of their own.
  void started();
  /// Sends the leader's response to the leader and to every caller that joined, each under its
  /// own id; closes the group.
  void answer(const nlohmann::json& response);
  /// Adds a caller; false when the group is closed.
  bool join(const ipc::Reply& reply);

 private:
  ReadCoalescer& owner_;
  const std::string key_;
  std::mutex mutex_;
  ipc::Reply leader_;
  std::vector<ipc::Reply> joined_;
  bool open_ = true;
};

/// The groups of requests in flight, by key.
class ReadCoalescer {
 public:
  /// What the leader of a new group runs its card job with.
  struct Lead {
    std::shared_ptr<ReadGroup> group;  ///< call group->started() from the job's work
    ipc::Reply reply;                  ///< answer this: it answers every caller of the group
  };

  /// Joins `reply` to the open group of `key` (returns nullopt: it is answered with the group),
  /// or makes `reply` the leader of a new group.
  std::optional<Lead> join_or_lead(const std::string& key, const ipc::Reply& reply);
  /// Requests that joined another so far.
  std::size_t joined_total() const;
  /// Ends the group of `key` if it is `group` (new callers start a new one).
  void close(const std::string& key, const ReadGroup* group);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<ReadGroup>> open_;
  std::size_t joined_total_ = 0;
};

}  // namespace eport::cardops
