//! A tiny ordered JSON value for output.
//!
//! serde_json's `Map` sorts keys unless the `preserve_order` feature (and its extra crate) is
//! enabled; answers should keep the real server's field order, so output is built with this
//! type. Strings are escaped by serde_json, so every string we emit is valid JSON.

#[derive(Debug)]
pub enum V {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    /// Already-rendered JSON text, inserted verbatim.
    Raw(String),
    Arr(Vec<V>),
    Obj(Vec<(String, V)>),
}

impl V {
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    pub fn write(&self, out: &mut String) {
        match self {
            V::Null => out.push_str("null"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Int(n) => out.push_str(&n.to_string()),
            V::Str(s) => write_str(out, s),
            V::Raw(r) => out.push_str(r),
            V::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            V::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

pub fn write_str(out: &mut String, s: &str) {
    // Serializing a &str into a String cannot fail.
    out.push_str(&serde_json::to_string(s).expect("string serializes"));
}

pub fn s(x: impl Into<String>) -> V {
    V::Str(x.into())
}

pub fn obj<const N: usize>(fields: [(&str, V); N]) -> V {
    V::Obj(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

pub fn strs<S: AsRef<str>>(items: &[S]) -> V {
    V::Arr(items.iter().map(|x| s(x.as_ref())).collect())
}
