import { NotBuilt } from '@/components/shell/not-built';

export const metadata = { title: 'Identity map' };

export default function MapPage() {
  return (
    <NotBuilt
      title="Identity map"
      what="This page will draw the trust graph (pods → service accounts → federated credentials → identities → APIs) with every misconfiguration flagged and a fix command for each."
    />
  );
}
