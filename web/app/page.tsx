import { Root } from "@/components/Root";

export default function Home() {
  return <Root />;
}
