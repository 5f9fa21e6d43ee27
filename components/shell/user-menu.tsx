// Who is signed in, and a sign-out button (a form POST: a link or an image cannot sign anyone out).
export interface SignedInUser {
  name: string;
  username?: string;
  via: 'entra' | 'proxy';
}

export function UserMenu({ user }: { user: SignedInUser }) {
  return (
    <div className="user-menu">
      <span className="small" title={user.username ?? user.name}>
        <span className="muted">Signed in as </span>
        <strong data-testid="signed-in-user">{user.name}</strong>
      </span>
      {user.via === 'entra' ? (
        <form method="post" action="/api/auth/signout">
          <button type="submit" className="button button-small">
            Sign out
          </button>
        </form>
      ) : null}
    </div>
  );
}
