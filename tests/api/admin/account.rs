//! `/admin/account`: an organizer changes their own password.

use super::PASSWORD;
use crate::helpers::spawn_app;
use undersign::organizers::Role;

#[actix_web::test]
async fn an_organizer_changes_their_password_and_their_other_sessions_end() {
    let app = spawn_app().await;
    let admin = app.admin(Role::Editor).await;
    let (other, _) = app.sign_in("editor@rivercommons.example", PASSWORD).await;
    let page = admin.page("/admin/account").await;
    assert!(page.contains("<label for=\"current\">"), "{page}");

    let new = "a brand new long password";
    let rows = [
        (
            "wrong current password",
            new,
            new,
            "current password is not right",
        ),
        (PASSWORD, new, "something else entirely", "differ"),
        (PASSWORD, "            ", "            ", "not only spaces"),
    ];
    for (current, password, confirm, message) in rows {
        let refused = admin
            .post(
                "/admin/account/password",
                &[
                    ("current", current),
                    ("new", password),
                    ("confirm", confirm),
                ],
            )
            .await;
        assert_eq!(refused.status().as_u16(), 422, "{message}");
        assert!(refused.text().await.unwrap().contains(message), "{message}");
    }

    let changed = admin
        .post(
            "/admin/account/password",
            &[("current", PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_eq!(changed.status().as_u16(), 303);
    assert!(admin
        .page("/admin/account?changed=1")
        .await
        .contains("Your password was changed"));
    assert_eq!(
        other.get("/admin").await.status().as_u16(),
        303,
        "the other session ended"
    );
    let (_, old) = app.sign_in("editor@rivercommons.example", PASSWORD).await;
    assert_eq!(
        old.status().as_u16(),
        401,
        "the old password no longer works"
    );
    let (_, fresh) = app.sign_in("editor@rivercommons.example", new).await;
    assert_eq!(fresh.status().as_u16(), 303, "the new one does");
}
