// Finding templates: the shipped directory, names on the command line, validation.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "harness/template.h"
#include "harness/template_yaml.h"

#ifndef HARNESS_SOURCE_TEMPLATES_DIR
#define HARNESS_SOURCE_TEMPLATES_DIR "templates"
#endif

namespace harness {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> yaml_stems(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
      names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool looks_like_path(const std::string& target) {
  return target.find('/') != std::string::npos || target.ends_with(".yaml") ||
         target.ends_with(".yml");
}

// Parses just enough of a file to tell a suite from a template.
bool is_suite_file(const std::string& path) {
  templates::Diagnostics diag(path);
  YAML::Node root = templates::parse_yaml(diag);
  return diag.ok() && templates::looks_like_suite(root, path);
}

Suite load_suite_checked(const std::string& path, const std::string& templates_dir) {
  templates::Diagnostics diag(path);
  const YAML::Node root = templates::parse_yaml(diag);
  diag.throw_if_errors();
  Suite suite = templates::read_suite(root, diag, templates_dir);
  diag.throw_if_errors();
  return suite;
}

}  // namespace

bool is_plain_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

bool is_path_inside(const std::string& relative) {
  if (relative.empty() || relative.find('\0') != std::string::npos) return false;
  fs::path p(relative);
  if (p.is_absolute() || p.has_root_name() || p.has_root_directory()) return false;
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

std::vector<std::string> list_template_names(const std::string& templates_dir) {
  return yaml_stems(templates_dir);
}

std::vector<std::string> list_suite_names(const std::string& templates_dir) {
  return yaml_stems(fs::path(templates_dir) / "suites");
}

std::string default_templates_dir() {
  if (const char* env = std::getenv("HARNESS_TEMPLATES_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "templates";
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return HARNESS_SOURCE_TEMPLATES_DIR;
}

std::vector<BenchTemplate> resolve_targets(const std::vector<std::string>& targets,
                                           const std::string& templates_dir) {
  std::vector<BenchTemplate> out;
  auto add = [&](BenchTemplate t) {
    // The same template named twice (directly and through a suite) runs once; two
    // different templates with one name would make the run's results ambiguous.
    for (const auto& existing : out) {
      if (existing.name != t.name) continue;
      if (existing.hash() != t.hash())
        throw TemplateError("two different templates are named '" + t.name + "' (" +
                            existing.source_path + " and " + t.source_path +
                            "); rename one of them");
      return;
    }
    out.push_back(std::move(t));
  };
  auto add_suite = [&](const Suite& suite) {
    for (const auto& name : suite.templates) {
      if (!is_plain_name(name))  // read_suite reports it with the line; this guards other callers
        throw TemplateError(suite.source_path + ": templates: '" + name +
                            "' is not a template name; list names of files in " + templates_dir);
      add(load_template_file((fs::path(templates_dir) / (name + ".yaml")).string()));
    }
  };
  for (const auto& target : targets) {
    fs::path as_template = fs::path(templates_dir) / (target + ".yaml");
    fs::path as_suite = fs::path(templates_dir) / "suites" / (target + ".yaml");
    if (looks_like_path(target)) {
      if (!fs::exists(target))
        throw TemplateError(target + ": no such file; give a template or suite name, or the "
                                     "path of a .yaml file");
      if (is_suite_file(target)) add_suite(load_suite_checked(target, templates_dir));
      else add(load_template_file(target));
    } else if (fs::exists(as_template)) {
      add(load_template_file(as_template.string()));
    } else if (fs::exists(as_suite)) {
      add_suite(load_suite_checked(as_suite.string(), templates_dir));
    } else {
      auto names = list_template_names(templates_dir);
      auto suites = list_suite_names(templates_dir);
      names.insert(names.end(), suites.begin(), suites.end());
      std::string hint = templates::closest_match(target, names);
      throw TemplateError("unknown template or suite '" + target + "'" +
                          (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                          "; known: " + templates::join_names(names) + " (in " +
                          templates_dir + ")");
    }
  }
  return out;
}

std::string validate_file(const std::string& path, const std::string& templates_dir) {
  try {
    if (is_suite_file(path)) load_suite_checked(path, templates_dir);
    else load_template_file(path);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "";
}

}  // namespace harness
