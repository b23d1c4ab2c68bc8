//! How paths are registered: every page answers HEAD wherever it answers GET (uptime monitors
//! and link checkers send HEAD), and a known path asked with another method answers
//! `405 Method Not Allowed` with an `Allow` header (actix's resource default; under `/admin`,
//! [`allowed_methods`] over its route table) instead of 404.

use actix_web::{guard, web, Route};

/// A route for GET and HEAD; actix sends HEAD the same headers without the body.
pub fn read() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// The methods the routes matching `path` take, for an `Allow` header: each route's method,
/// and HEAD wherever GET is taken. Empty when no route matches.
pub fn allowed_methods<'a>(
    path: &str,
    routes: impl Iterator<Item = (String, &'a actix_web::http::Method)>,
) -> Vec<&'static str> {
    use actix_web::http::Method;
    let mut methods = Vec::new();
    for (pattern, method) in routes {
        if !actix_web::dev::ResourceDef::new(pattern).is_match(path) {
            continue;
        }
        let names: &[&'static str] = match *method {
            Method::GET => &["GET", "HEAD"],
            Method::POST => &["POST"],
            _ => &[],
        };
        for name in names {
            if !methods.contains(name) {
                methods.push(*name);
            }
        }
    }
    methods
}

#[cfg(test)]
mod tests {
    use super::allowed_methods;
    use actix_web::http::Method;

    #[test]
    fn a_path_takes_the_methods_of_every_route_pattern_it_matches() {
        let table = [
            ("/admin/users/{id}/role".to_string(), Method::POST),
            ("/admin/login".to_string(), Method::GET),
            ("/admin/login".to_string(), Method::POST),
        ];
        let allowed = |path: &str| allowed_methods(path, table.iter().map(|(p, m)| (p.clone(), m)));
        assert_eq!(allowed("/admin/users/42/role"), ["POST"]);
        assert_eq!(allowed("/admin/login"), ["GET", "HEAD", "POST"]);
        assert!(allowed("/admin/nowhere").is_empty());
    }
}
