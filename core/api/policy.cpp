#include "core/api/policy.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace snapmgr::core::api {

struct Policy::Check {
  enum class Kind { Anyone, Nobody, Rule, Role, IsAdmin, And, Or };
  Kind kind = Kind::Anyone;
  std::string value;  // rule name or role
  bool admin = true;  // for IsAdmin
  std::vector<std::shared_ptr<const Check>> operands;
};

namespace {

using CheckPtr = std::shared_ptr<const Policy::Check>;
using Kind = Policy::Check::Kind;

constexpr std::string_view kDefaultRules[][2] = {
    {"admin_api", "is_admin:True or role:admin"},
    {"snapshot_extension:list_manageable", "rule:admin_api"},
    {"snapshot_extension:snapshot_manage", "rule:admin_api"},
    {"snapshot_extension:snapshot_unmanage", "rule:admin_api"},
    {"volume_extension:list_manageable", "rule:admin_api"},
    {"volume_extension:volume_manage", "rule:admin_api"},
    {"volume_extension:volume_unmanage", "rule:admin_api"},
    {"volume_extension:services:index", "rule:admin_api"},
    {"xena_system_admin_or_project_reader", "rule:admin_api or role:reader or role:member"},
    {"xena_system_admin_or_project_member", "rule:admin_api or role:member"},
    {"volume:get_snapshot_metadata", "rule:xena_system_admin_or_project_reader"},
    {"volume:update_snapshot_metadata", "rule:xena_system_admin_or_project_member"},
    {"volume:delete_snapshot_metadata", "rule:xena_system_admin_or_project_member"},
    {"volume:get_volume_metadata", "rule:xena_system_admin_or_project_reader"},
    {"volume:create_volume_metadata", "rule:xena_system_admin_or_project_member"},
    {"volume:update_volume_metadata", "rule:xena_system_admin_or_project_member"},
    {"volume:delete_volume_metadata", "rule:xena_system_admin_or_project_member"},
};

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else if (c == '(' || c == ')') {
      flush();
      tokens.emplace_back(1, c);
    } else {
      current += c;
    }
  }
  flush();
  return tokens;
}

class Parser {
 public:
  explicit Parser(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}

  snapmgr::Result<CheckPtr, std::string> parse() {
    if (tokens_.empty()) return make(Kind::Anyone);
    auto e = expr();
    if (!e) return e;
    if (pos_ != tokens_.size()) return "unexpected '" + tokens_[pos_] + "'";
    return e;
  }

 private:
  static CheckPtr make(Kind kind, std::string value = {}) {
    auto c = std::make_shared<Policy::Check>();
    c->kind = kind;
    c->value = std::move(value);
    return c;
  }

  snapmgr::Result<CheckPtr, std::string> binary(Kind kind, std::string_view keyword,
                                                snapmgr::Result<CheckPtr, std::string> (Parser::*operand)()) {
    auto first = (this->*operand)();
    if (!first) return first;
    std::vector<CheckPtr> operands{*first};
    while (pos_ < tokens_.size() && tokens_[pos_] == keyword) {
      ++pos_;
      auto next = (this->*operand)();
      if (!next) return next;
      operands.push_back(*next);
    }
    if (operands.size() == 1) return operands.front();
    auto c = std::make_shared<Policy::Check>();
    c->kind = kind;
    c->operands = std::move(operands);
    return CheckPtr(c);
  }

  snapmgr::Result<CheckPtr, std::string> expr() { return binary(Kind::Or, "or", &Parser::conjunction); }
  snapmgr::Result<CheckPtr, std::string> conjunction() { return binary(Kind::And, "and", &Parser::atom); }

  snapmgr::Result<CheckPtr, std::string> atom() {
    if (pos_ == tokens_.size()) return std::string("the expression ends where a check was expected");
    const std::string token = tokens_[pos_++];
    if (token == "(") {
      auto inner = expr();
      if (!inner) return inner;
      if (pos_ == tokens_.size() || tokens_[pos_] != ")") return std::string("missing ')'");
      ++pos_;
      return inner;
    }
    if (token == "@") return make(Kind::Anyone);
    if (token == "!") return make(Kind::Nobody);
    auto colon = token.find(':');
    std::string kind = token.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : token.substr(colon + 1);
    if (kind == "rule" && !value.empty()) return make(Kind::Rule, value);
    if (kind == "role" && !value.empty()) return make(Kind::Role, value);
    if (kind == "is_admin" && (value == "True" || value == "False")) {
      auto c = std::make_shared<Policy::Check>();
      c->kind = Kind::IsAdmin;
      c->admin = value == "True";
      return CheckPtr(c);
    }
    return "unsupported check '" + token +
           "' (accepted: rule:<name>, role:<role>, is_admin:True|False, @, !, and, or, parentheses)";
  }

  std::vector<std::string> tokens_;
  std::size_t pos_ = 0;
};

// Every rule a check refers to, for the undefined-rule and cycle checks.
void referenced_rules(const Policy::Check& c, std::vector<std::string>& out) {
  if (c.kind == Kind::Rule) out.push_back(c.value);
  for (const auto& o : c.operands) referenced_rules(*o, out);
}

// Depth-first walk from rule `name`: a reference to an undefined rule or back into `path` is
// a problem (described); `done` holds rules already proven fine.
std::optional<std::string> check_references(const std::string& name,
                                            const std::map<std::string, CheckPtr, std::less<>>& rules,
                                            std::vector<std::string>& path, std::set<std::string>& done) {
  if (done.count(name)) return std::nullopt;
  if (std::find(path.begin(), path.end(), name) != path.end()) {
    std::string loop;
    for (const auto& p : path) loop += p + " -> ";
    return "rules refer to each other in a loop (" + loop + name + ")";
  }
  auto it = rules.find(name);
  if (it == rules.end()) return "refers to undefined rule '" + name + "'";
  path.push_back(name);
  std::vector<std::string> refs;
  referenced_rules(*it->second, refs);
  for (const auto& r : refs) {
    if (auto problem = check_references(r, rules, path, done)) return problem;
  }
  path.pop_back();
  done.insert(name);
  return std::nullopt;
}

}  // namespace

Policy Policy::defaults() {
  auto p = parse("{}", "(built-in defaults)");
  return std::move(p).value();
}

snapmgr::Result<Policy, std::string> Policy::load(const std::string& path) {
  if (path.empty()) return defaults();
  std::ifstream in(path);
  if (!in) return "policy_file: cannot read '" + path + "'";
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

snapmgr::Result<Policy, std::string> Policy::parse(const std::string& yaml_text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg;
  }
  if (!root.IsNull() && !root.IsMap()) return file + ": expected a map of rule name -> check string";
  Policy policy;
  std::map<std::string, int> lines;
  for (const auto& [name, text] : kDefaultRules) {
    policy.rules_[std::string(name)] = Parser(tokenize(text)).parse().value();
  }
  if (root.IsMap()) {
    for (const auto& entry : root) {
      std::string name = entry.first.as<std::string>();
      int line = entry.first.Mark().line + 1;
      std::string at = file + ":" + std::to_string(line) + ": rule '" + name + "'";
      if (!entry.second.IsScalar() && !entry.second.IsNull()) return at + ": expected a check string";
      std::string text = entry.second.IsNull() ? "" : entry.second.as<std::string>();
      auto check = Parser(tokenize(text)).parse();
      if (!check) return at + ": " + check.error() + " in \"" + text + "\"";
      policy.rules_[name] = *check;
      lines[name] = line;
    }
  }
  // Every rule: references must exist, and following them must not loop.
  std::set<std::string> done;
  for (const auto& [name, check] : policy.rules_) {
    std::vector<std::string> path;
    if (auto problem = check_references(name, policy.rules_, path, done)) {
      std::string at = lines.count(name) ? file + ":" + std::to_string(lines[name]) + ": rule '" + name + "'"
                                         : file + ": built-in rule '" + name + "'";
      return at + ": " + *problem;
    }
  }
  return policy;
}

namespace {

bool evaluate(const Policy::Check& c, const Identity& caller,
              const std::map<std::string, CheckPtr, std::less<>>& rules) {
  switch (c.kind) {
    case Kind::Anyone: return true;
    case Kind::Nobody: return false;
    case Kind::Role: return caller.has_role(c.value);
    case Kind::IsAdmin: return caller.is_admin == c.admin;
    case Kind::Rule: {
      auto it = rules.find(c.value);
      return it != rules.end() && evaluate(*it->second, caller, rules);
    }
    case Kind::And:
      for (const auto& o : c.operands) {
        if (!evaluate(*o, caller, rules)) return false;
      }
      return true;
    case Kind::Or:
      for (const auto& o : c.operands) {
        if (evaluate(*o, caller, rules)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace

bool Policy::allowed(std::string_view name, const Identity& caller) const {
  auto it = rules_.find(name);
  return it != rules_.end() && evaluate(*it->second, caller, rules_);
}

}  // namespace snapmgr::core::api
