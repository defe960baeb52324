//! The operation table as JSON text, for bindings that check their method sets against it.

use super::boundary::c_string;
use crate::operations::{Location, Paging, Type, OPERATIONS};
use libc::c_char;
use once_cell::sync::Lazy;
use serde_json::{json, Value};
use std::ffi::CString;

/// The operation table as JSON text, static (never free it): an array of
/// `{"id","method","path","list","paging","retry","summary","params":[{"name","in","type",
/// "required","nullable",...}]}`. Bindings test their method sets against it.
#[no_mangle]
pub extern "C" fn openint_operations_json() -> *const c_char {
    static TABLE: Lazy<CString> = Lazy::new(|| c_string(&operations_json().to_string()));
    TABLE.as_ptr()
}

pub(super) fn operations_json() -> Value {
    Value::Array(
        OPERATIONS
            .iter()
            .map(|op| {
                let params: Vec<Value> = op
                    .params
                    .iter()
                    .map(|p| {
                        let mut v = json!({
                            "name": p.name,
                            "in": match p.location {
                                Location::Path => "path",
                                Location::Query => "query",
                                Location::Body => "body",
                            },
                            "required": p.required,
                            "nullable": p.nullable,
                        });
                        let (ty, extra) = match p.ty {
                            Type::String => ("string", json!({})),
                            Type::NonEmptyString => ("string", json!({"min_length": 1})),
                            Type::Id(prefix) => ("string", json!({"prefix": prefix})),
                            Type::Integer { min, max } => {
                                ("integer", json!({"minimum": min, "maximum": max}))
                            }
                            Type::Number { exclusive_min } => {
                                ("number", json!({"exclusive_minimum": exclusive_min}))
                            }
                            Type::Boolean => ("boolean", json!({})),
                            Type::Enum(e) => ("string", json!({"enum": e})),
                            Type::EnumArray(e) => ("array", json!({"enum": e})),
                            Type::NameArray => ("array", json!({})),
                            Type::Object => ("object", json!({})),
                            Type::ConnectOptions => ("object", json!({})),
                        };
                        v["type"] = json!(ty);
                        if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
                            m.extend(e);
                        }
                        v
                    })
                    .collect();
                json!({
                    "id": op.id,
                    "method": op.method.as_str(),
                    "path": op.path,
                    "list": op.is_list(),
                    "paging": match op.paging {
                        Paging::NotAList => "none",
                        Paging::TotalIsCount => "total_is_count",
                        Paging::TotalIsPageLength => "total_is_page_length",
                    },
                    "retry": match op.retry {
                        crate::operations::Retry::Safe => "safe",
                        crate::operations::Retry::CreatesResource => "creates_resource",
                    },
                    "body": match op.body {
                        crate::operations::Body::None => "none",
                        crate::operations::Body::Fields => "fields",
                        crate::operations::Body::AnyObject => "any_object",
                    },
                    "summary": op.summary,
                    "params": params,
                })
            })
            .collect(),
    )
}
