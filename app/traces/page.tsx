import { NotBuilt } from '@/components/shell/not-built';

export const metadata = { title: 'Traces' };

export default function TracesPage() {
  return (
    <NotBuilt
      title="Traces"
      what="This page will follow a correlation ID through consumer and provider logs and draw the token exchange as it happened."
    />
  );
}
